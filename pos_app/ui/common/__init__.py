"""The common room of the counter's screens."""
