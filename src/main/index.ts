// Electron entry: filled in by the shell work.
