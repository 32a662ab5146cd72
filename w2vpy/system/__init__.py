"""The rules every entry point shares with the operating system: what a named path
is (``paths``), writing outputs atomically (``atomic``), temporary files (``spool``),
signals (``interrupts``) and the memory a model may take (``memory``).  The lowest
layer: it imports nothing of w2vpy but ``errors`` and ``parameters``."""
