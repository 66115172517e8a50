"""The period report (JSON, CSV, PDF in Bahasa Indonesia). Core package: never imports Qt."""
