"""Built-in scenario files (TOML) shipped with lmsim: region baselines, the small test scenario and the steady state."""
