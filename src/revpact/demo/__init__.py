"""Company A's generated year and the live demo."""
