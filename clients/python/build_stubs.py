#!/usr/bin/env python3
"""Generates the Python gRPC stubs (package tracelake.v1) from the repository's protos.

    python3 clients/python/build_stubs.py [--out DIR]

Writes DIR/tracelake/v1/*_pb2.py and *_pb2_grpc.py (default DIR: clients/python, next to the
package; a build writes them into its own output directory and puts that on PYTHONPATH). Uses
grpcio-tools when installed, else protoc with grpc_python_plugin (Debian: protobuf-compiler,
protobuf-compiler-grpc). The stubs must match the protobuf runtime: generate them with the same
distribution's tools as the python3-protobuf / grpcio that will import them.
"""

import argparse
import glob
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PROTO_ROOT = os.path.normpath(os.path.join(HERE, "..", "..", "proto", "src", "main", "proto"))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=HERE, help="directory to write tracelake/v1 into")
    parser.add_argument("--proto-root", default=PROTO_ROOT, help="directory holding tracelake/v1")
    args = parser.parse_args(argv)
    protos = sorted(glob.glob(os.path.join(args.proto_root, "tracelake", "v1", "*.proto")))
    if not protos:
        sys.exit("No protos under %s/tracelake/v1" % args.proto_root)
    os.makedirs(args.out, exist_ok=True)
    try:
        from grpc_tools import protoc  # noqa: F401
        command = [sys.executable, "-m", "grpc_tools.protoc"]
        include = [os.path.join(os.path.dirname(protoc.__file__), "_proto")]
    except ImportError:
        # PROTOC / GRPC_PYTHON_PLUGIN pick the tools of the protobuf runtime that will import the
        # stubs, when another protoc comes first on the PATH
        protoc_bin = os.environ.get("PROTOC") or shutil.which("protoc")
        plugin = os.environ.get("GRPC_PYTHON_PLUGIN") or shutil.which("grpc_python_plugin")
        if not protoc_bin or not plugin:
            sys.exit("Neither grpcio-tools nor protoc with grpc_python_plugin is installed"
                     " (Debian: apt-get install protobuf-compiler protobuf-compiler-grpc)")
        command = [protoc_bin, "--plugin=protoc-gen-grpc_python=" + plugin]
        include = ["/usr/include"] if os.path.isdir("/usr/include/google/protobuf") else []
    command += ["-I" + args.proto_root] + ["-I" + i for i in include]
    command += ["--python_out=" + args.out, "--grpc_python_out=" + args.out] + protos
    subprocess.run(command, check=True)
    print("Generated %d protos into %s" % (len(protos), os.path.join(args.out, "tracelake", "v1")))


if __name__ == "__main__":
    main()
