"""Every time limit and retry count of the client, in one value tests can shrink."""

from dataclasses import dataclass


@dataclass(frozen=True)
class NemoTimeouts:
    """Limits, in seconds unless named otherwise; the defaults follow the contract."""

    connect: float = 10.0
    read: float = 60.0
    upload_read: float = 600.0  # the service reads a whole upload before it answers
    turn_total: float = 900.0  # "allow up to 15 minutes"
    turn_idle: float = 600.0  # "ten minutes of heartbeats only means the turn timed out"
    render_poll_first: float = 2.0
    render_poll_growth: float = 1.5
    render_poll_max: float = 30.0
    render_total: float = 1800.0  # a render takes about 30 s; give up long after
    render_poll_failures: int = 5  # consecutive failed polls before giving up
    download_total: float = 1200.0  # a render, retries included: 2,000 MB at under 2 MB/s
    read_retries: int = 3
    retry_backoff: float = 0.5  # doubled after each failed attempt
    rate_limit_default_wait: float = 30.0
    rate_limit_max_wait: float = 120.0
    token_margin: float = 300.0  # a token this close to expiry is renewed before use
