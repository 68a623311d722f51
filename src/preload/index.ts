// Preload: filled in by the shell work.
