"""Print the router's accuracy over the labelled table at the end of every run."""

from bot.core.router import classify
from tests.core.routing_table import measure


def pytest_terminal_summary(terminalreporter) -> None:
    accuracy = measure(classify)
    terminalreporter.write_sep("-", "intent routing")
    terminalreporter.write_line(accuracy.line())
    for misroute in accuracy.misroutes:
        terminalreporter.write_line(f"  misrouted {misroute}")
