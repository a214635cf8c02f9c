"""Analysis: frames in, results out — the view, indicators, risk score, forecast and its
back-test, robustness, coverage and gaps, disclosure control, the monitor's statistics."""
