"""Developer tools of the kit (not installed with it): lesson-cell twins, translations."""
