from etender.trading.tests.conftest import bidders, tender, tenderer  # noqa: F401  (the trading suite's fixtures)
