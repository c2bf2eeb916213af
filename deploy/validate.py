"""Check deploy/kubernetes/values.yaml against the Zero to JupyterHub chart's own values schema.

Helm checks the *merged* values (the chart's defaults, overridden by ours) against the chart's
``values.schema.json`` before it renders anything; this script does the same without Helm or a
cluster.  Give it an unpacked chart folder, holding ``values.yaml`` and ``values.schema.json``
(or ``values.schema.yaml``, as in the chart's source repository):

    helm pull jupyterhub/jupyterhub --version 4.4.0 --untar --untardir /tmp/chart
    python deploy/validate.py /tmp/chart/jupyterhub

It prints each schema error with its path and exits with 1, or prints OK and exits with 0.
Nothing is downloaded, and the schema is not kept in this repository.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import jsonschema
import yaml

OURS = Path(__file__).resolve().parent / "kubernetes" / "values.yaml"


def helm_merge(defaults, overrides):
    """Merge values the way Helm does: maps merge key by key, a null removes a key, anything else replaces.

    Examples
    --------
    >>> helm_merge({"a": {"x": 1, "y": 2}, "b": [1]}, {"a": {"y": 3, "x": None}, "b": [2]})
    {'a': {'y': 3}, 'b': [2]}
    """
    merged = dict(defaults)
    for key, value in overrides.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = helm_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def schema_errors(schema, values):
    """Each place where ``values`` breaks ``schema``, as ``"dotted.path: message"``, sorted.

    Examples
    --------
    >>> schema = {"type": "object", "additionalProperties": False,
    ...           "properties": {"cull": {"type": "object", "properties": {"timeout": {"type": "integer"}}}}}
    >>> schema_errors(schema, {"cull": {"timeout": "1h"}, "cul": {}})
    ["(top): Additional properties are not allowed ('cul' was unexpected)", "cull.timeout: '1h' is not of type 'integer'"]
    """
    validator = jsonschema.Draft7Validator(schema)
    return sorted(f"{'.'.join(map(str, error.absolute_path)) or '(top)'}: {error.message}"
                  for error in validator.iter_errors(values))


def load_chart(chart):
    """The chart's default values and its values schema (JSON or YAML), from an unpacked chart folder."""
    chart = Path(chart)
    schemas = [chart / "values.schema.json", chart / "values.schema.yaml"]
    schema_file = next((path for path in schemas if path.is_file()), None)
    if schema_file is None or not (chart / "values.yaml").is_file():
        raise FileNotFoundError(f"{chart} must hold values.yaml and values.schema.json (or .yaml): an unpacked chart")
    return yaml.safe_load((chart / "values.yaml").read_text()), yaml.safe_load(schema_file.read_text())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("chart", help="unpacked jupyterhub chart folder (values.yaml + values.schema.json)")
    parser.add_argument("--values", default=OURS, type=Path, help="values file to check (default: ours)")
    args = parser.parse_args(argv)
    try:
        defaults, schema = load_chart(args.chart)
    except (OSError, yaml.YAMLError) as error:
        parser.error(str(error))
    errors = schema_errors(schema, helm_merge(defaults, yaml.safe_load(args.values.read_text())))
    for error in errors:
        print(error)
    print(f"{args.values}: {len(errors)} schema error(s)" if errors else f"{args.values}: OK against {args.chart}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
