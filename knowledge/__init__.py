"""The plan as data, Vietnamese text normalisation and retrieval. Imports nothing above it."""
