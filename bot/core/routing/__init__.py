"""The router's parts: its rules and lexicon, its model, and the table it learns from."""
