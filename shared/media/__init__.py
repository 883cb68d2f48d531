"""Media handling that needs no storage: decoding, checking and re-encoding photos (S26, S27)."""
