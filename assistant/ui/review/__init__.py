"""The Review tab: questions × files as a grid, run as a Message Batch (half price) or now.

Holds the tab (``panel``), its parts (``questions``: the question editor; ``grid_model``; ``detail``: the
chosen cell in full; ``source``: a citation's page beside the grid), its controllers (``controller``,
``polling``: every catalog and API call in workers), its words (``texts``) and its place in the window
(``wiring``). May import ``assistant.review`` (the services), the catalog records, ``assistant.bridge``,
the chat's and source pane's widgets, and Qt.
"""

from __future__ import annotations
