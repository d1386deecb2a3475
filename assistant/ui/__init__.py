"""The widgets. Everything here runs on the GUI thread; slow work goes through ``assistant.bridge``.

Parts (each a widget or model handed what it needs; ``main_window.py`` only assembles them):

    formatting.py       countdown, sizes and times as people read them (pure)
    theme.py            light/dark following the system, the warning colours
    files_model.py      the files table model (roles, one countdown timer) and its sort/filter proxy
    files_panel.py      the search box, the table view and its context menu
    drops.py            dropped or pasted files and folders -> paths
    row_drag.py         files-table rows dragged onto the chat: a mime type carrying catalog row ids
    upload_queue.py     the upload queue (concurrency, progress, cancel, retry) and its panel
    cleanup.py          what Clean up would delete (pure), its dialog and the background deletions
    key_dialog.py       first run and "API key…": masked entry, checked, stored; "Try it offline"
    settings_dialog.py  the settings
    dialogs.py          About, and small helpers
    status.py           the status bar: key, keyring, connection, storage used
    crash.py            the crash dialog and the global exception hook
    geometry.py         window, splitter and column state kept between runs
    session.py          the API side as the window sees it: key, client, services, offline sandbox
    main_window.py      assembles the parts (a shell that paints first, then ``assemble``)
    chat/               the chat pane (``ChatPanel``), built separately
"""
