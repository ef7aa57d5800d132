"""Calibration of lmsim's behavioural parameters to observed statistics."""
