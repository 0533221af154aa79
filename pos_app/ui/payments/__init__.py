"""The payments room of the counter's screens."""
