"""Lexicons as data: TSV files loaded once by `loader`."""
