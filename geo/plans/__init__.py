"""Plans: where to deploy mediators and workshops (location models) and saved scenarios."""
