"""The behaviour of the window's parts: QObjects, not widgets, that own and cancel their tasks.

They may import services, the catalog, the bridge and QtCore; never a widget (QtWidgets).
"""

from assistant.ui.controllers.cleanup import CleanupRunner
from assistant.ui.controllers.files import FilesController
from assistant.ui.controllers.rows import RowOperations
from assistant.ui.controllers.selection import Selection
from assistant.ui.controllers.stale import StaleChecker
from assistant.ui.controllers.uploads import UploadQueue

__all__ = ["CleanupRunner", "FilesController", "RowOperations", "Selection", "StaleChecker", "UploadQueue"]
