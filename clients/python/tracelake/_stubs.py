"""Imports the generated gRPC stubs, saying how to make them when they are missing."""

try:
    from tracelake.v1 import common_pb2, ingest_pb2, ingest_pb2_grpc  # noqa: F401
    from tracelake.v1 import lineage_pb2, lineage_pb2_grpc  # noqa: F401
    from tracelake.v1 import query_pb2, query_pb2_grpc  # noqa: F401
    from tracelake.v1 import replay_pb2, replay_pb2_grpc  # noqa: F401
    from tracelake.v1 import tables_pb2, tables_pb2_grpc  # noqa: F401
except ImportError as e:  # pragma: no cover - a setup error, reported as such
    raise ImportError(
        "The Tracelake gRPC stubs are missing (%s). Generate them from the protos with "
        "'python3 clients/python/build_stubs.py' (needs protoc and grpc_python_plugin, or "
        "grpcio-tools), or put the directory they were generated into on PYTHONPATH." % e
    ) from e
