"""Reports: compare and forecast tables, charts and exports."""
