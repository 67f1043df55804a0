"""Channels turn platform updates into `Incoming` and render `Reply` objects back."""
