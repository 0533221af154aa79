"""The customers room of the counter's screens."""
