"""Print the router's accuracy on its table, trained on it and k-fold, after every run."""

from bot.core.router import route
from tests.core.routing_table import kfold_accuracy, measure


def pytest_terminal_summary(terminalreporter) -> None:
    trained = measure(route)
    terminalreporter.write_sep("-", "intent routing")
    terminalreporter.write_line(trained.line())
    terminalreporter.write_line(kfold_accuracy().line())
    for misroute in trained.misroutes:
        terminalreporter.write_line(f"  misrouted {misroute}")
