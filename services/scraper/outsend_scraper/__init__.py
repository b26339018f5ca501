"""The scraper service: Google Maps acquisition (scrap, reviews): zones, grid, adaptive subdivision, the browser."""
