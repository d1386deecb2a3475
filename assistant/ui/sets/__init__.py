"""Document sets and watched folders on the files side of the window: the sets sidebar, its
controllers (sets, folder sync, set conversations) and dialogs (link a folder, instructions, storage).
May import services (``catalog``, ``folders``), the bridge and Qt; never the main window module."""
