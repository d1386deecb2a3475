"""The behaviour of the window's parts: QObjects, not widgets, that own and cancel their tasks.

They may import services, the catalog, the bridge and QtCore; never a widget (QtWidgets).
"""
