// Headless entry: filled in by the serve-mode work.
