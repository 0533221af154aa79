"""The counter room of the counter's screens."""
