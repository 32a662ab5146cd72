"""Preparing a corpus on a Dask cluster (``w2vpy.prepare``): the text cut
into pieces (``pieces``), each counted by the C counter (``counting``), the
counts merged by a shuffle over words (``merging``), each piece encoded as
int32 ids (``encoding``) and the whole described by a manifest
(``manifest``), every file written whole (``storage``).  Imports ``text``
and ``system`` only; Dask itself is imported by ``w2vpy.prepare``, so these
modules run in workers without the client's state."""
