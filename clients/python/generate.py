"""Generates Conductor's Python gRPC stubs from the contract (proto/ and the
vendored google/api files) into a folder:

    python generate.py <out folder>

Run it from anywhere with the packages of requirements.txt installed.
"""
import pathlib
import sys

import grpc_tools
from grpc_tools import protoc

repo = pathlib.Path(__file__).resolve().parents[2]
out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "stubs").resolve()
out.mkdir(parents=True, exist_ok=True)
roots = [repo / "proto", repo / "third_party"]
files = [str(path.relative_to(root)) for root in roots for path in sorted(root.rglob("*.proto"))]
well_known = pathlib.Path(grpc_tools.__file__).parent / "_proto"
args = ["protoc", *[f"-I{root}" for root in roots], f"-I{well_known}", f"--python_out={out}", f"--grpc_python_out={out}", *files]
if protoc.main(args) != 0:
    sys.exit("protoc failed")
print(f"stubs for {len(files)} files in {out}")
