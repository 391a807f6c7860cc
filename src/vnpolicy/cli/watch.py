"""`vnpolicy watch`: keep the store current from live feeds, sitemaps and URL lists."""
