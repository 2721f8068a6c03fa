"""A handle on one table: its snapshots, refs and schema."""

from .values import ref_from_proto, snapshot_from_proto


class Table:
    """One table on the server. Holds nothing but its name, so it never goes stale.

    Failures raise TracelakeError with the server's status: NOT_FOUND for an unknown table, ref,
    snapshot or column, ALREADY_EXISTS for a taken ref name (tags are immutable),
    FAILED_PRECONDITION for a publish that is not a fast-forward, INVALID_ARGUMENT for a malformed
    name or an unsafe schema change (naming the column and the reason).
    """

    def __init__(self, client, name):
        self._client = client
        self.name = name

    def _call(self, context, method, request):
        return self._client._call(context, method, request)

    def describe(self):
        """Describes the table as it is now (a dict)."""
        return self._client.describe(self.name)

    def describe_at(self, ref=None, *, snapshot_id=None):
        """Describes the table as read at a branch or tag, or at a snapshot: a tag or snapshot with
        the columns the table had then, a branch with today's. Returns (table dict, Snapshot or
        None, Ref or None)."""
        from ._stubs import common_pb2, tables_pb2
        from .client import describe_table
        if (ref is None) == (snapshot_id is None):
            raise ValueError("Give either a ref or a snapshot_id")
        request = tables_pb2.DescribeTableAtRequest(table=self.name)
        if ref is not None:
            request.ref = ref
        else:
            request.snapshot_id = snapshot_id
        r = self._call("Cannot describe table %s at %s" % (self.name, ref or snapshot_id),
                       self._client._tables.DescribeTableAt, request)
        return (describe_table(r.table),
                snapshot_from_proto(r.snapshot) if r.HasField("snapshot") else None,
                ref_from_proto(r.ref, common_pb2) if r.HasField("ref") else None)

    def snapshots(self, ref=None, *, newest_first=False, page_size=0):
        """Yields the table's snapshots (or one ref's history), oldest first unless
        ``newest_first``, reading a page at a time."""
        token = ""
        while True:
            page, token = self.snapshot_page(ref, newest_first=newest_first,
                                             page_size=page_size, page_token=token)
            yield from page
            if not token:
                return

    def snapshot_page(self, ref=None, *, newest_first=False, page_size=0, page_token=""):
        """Returns one page: (list of Snapshot, next page token; "" on the last page)."""
        from ._stubs import tables_pb2
        request = tables_pb2.ListSnapshotsRequest(
            table=self.name, ref=ref or "", newest_first=newest_first, page_size=page_size,
            page_token=page_token)
        r = self._call("Cannot list the snapshots of table %s" % self.name,
                       self._client._tables.ListSnapshots, request)
        return [snapshot_from_proto(s) for s in r.snapshots], r.next_page_token

    def refs(self):
        """Returns the table's branches, then its tags, each by name (Ref tuples)."""
        from ._stubs import common_pb2, tables_pb2
        r = self._call("Cannot list the refs of table %s" % self.name,
                       self._client._tables.ListRefs, tables_pb2.ListRefsRequest(table=self.name))
        return [ref_from_proto(x, common_pb2) for x in r.refs]

    def create_tag(self, tag, snapshot_id=None):
        """Tags a snapshot, by default the head of main. Tags are immutable."""
        from ._stubs import common_pb2, tables_pb2
        request = tables_pb2.CreateTagRequest(table=self.name, tag=tag)
        if snapshot_id is not None:
            request.snapshot_id = snapshot_id
        r = self._call("Cannot tag table %s as %r" % (self.name, tag),
                       self._client._tables.CreateTag, request)
        return ref_from_proto(r.ref, common_pb2)

    def create_branch(self, branch, snapshot_id=None):
        """Creates a branch at a snapshot, by default the head of main."""
        from ._stubs import common_pb2, tables_pb2
        request = tables_pb2.CreateBranchRequest(table=self.name, branch=branch)
        if snapshot_id is not None:
            request.snapshot_id = snapshot_id
        r = self._call("Cannot create branch %r of table %s" % (branch, self.name),
                       self._client._tables.CreateBranch, request)
        return ref_from_proto(r.ref, common_pb2)

    def fast_forward(self, branch, to_branch):
        """Moves ``branch`` forward to the head of ``to_branch``."""
        from ._stubs import common_pb2, tables_pb2
        r = self._call("Cannot fast-forward branch %r of table %s" % (branch, self.name),
                       self._client._tables.FastForwardBranch,
                       tables_pb2.FastForwardBranchRequest(table=self.name, branch=branch,
                                                           to_branch=to_branch))
        return ref_from_proto(r.ref, common_pb2)

    def publish(self, branch):
        """Publishes a branch: fast-forwards main to its head (write-audit-publish)."""
        from ._stubs import common_pb2, tables_pb2
        r = self._call("Cannot publish branch %r of table %s" % (branch, self.name),
                       self._client._tables.PublishBranch,
                       tables_pb2.PublishBranchRequest(table=self.name, branch=branch))
        return ref_from_proto(r.ref, common_pb2)

    def evolve_schema(self, *changes):
        """Applies safe schema changes in one commit, all or none. Each change is one of
        ("add", name, type[, doc]), ("rename", column, new_name), ("widen", column, type),
        ("make_optional", column). Returns the table after the change (a dict)."""
        from ._stubs import ingest_pb2, tables_pb2
        from .client import describe_table
        request = tables_pb2.EvolveSchemaRequest(table=self.name)
        for change in changes:
            kind, args = change[0], change[1:]
            c = request.changes.add()
            if kind == "add":
                c.add_column.spec.CopyFrom(ingest_pb2.ColumnSpec(
                    name=args[0], type=args[1], doc=args[2] if len(args) > 2 else ""))
            elif kind == "rename":
                c.rename_column.column, c.rename_column.new_name = args
            elif kind == "widen":
                c.widen_column.column, c.widen_column.type = args
            elif kind == "make_optional":
                (c.make_column_optional.column,) = args
            else:
                raise ValueError("Unknown schema change %r: use add, rename, widen or"
                                 " make_optional" % (kind,))
        r = self._call("Cannot evolve the schema of table %s" % self.name,
                       self._client._tables.EvolveSchema, request)
        return describe_table(r.table)

    # admin: the only way to move or drop a tag
    def move_tag(self, tag, snapshot_id):
        """Admin: points an existing tag at another snapshot."""
        from ._stubs import common_pb2, tables_pb2
        r = self._call("Cannot move tag %r of table %s" % (tag, self.name),
                       self._client._tables.MoveTag,
                       tables_pb2.MoveTagRequest(table=self.name, tag=tag, snapshot_id=snapshot_id))
        return ref_from_proto(r.ref, common_pb2)

    def drop_tag(self, tag):
        """Admin: drops a tag; its snapshot stays."""
        from ._stubs import tables_pb2
        self._call("Cannot drop tag %r of table %s" % (tag, self.name),
                   self._client._tables.DropTag, tables_pb2.DropTagRequest(table=self.name, tag=tag))

    def drop_branch(self, branch):
        """Admin: drops a branch other than main; its snapshots stay readable by id."""
        from ._stubs import tables_pb2
        self._call("Cannot drop branch %r of table %s" % (branch, self.name),
                   self._client._tables.DropBranch,
                   tables_pb2.DropBranchRequest(table=self.name, branch=branch))
