"""Analysis: frames in, results out — the view, indicators, how the reports are observed
(the network's effort, the reporting lag), risk score, forecast (its predictive
distribution and scores) and its back-test, robustness, coverage and gaps, disclosure
control, the monitor's statistics, the properties that make a history hard to forecast."""
