"""Answer composition: passages chosen and quoted with citations, usage and prompt-cache accounting."""
