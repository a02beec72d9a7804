"""Run babbage 0.4.0, the engine behind OpenSpending's os-api, against one
PostgreSQL fact table and report what each query gives, as JSON.

stdin:  {"database_url": "postgresql://...", "name": "<cube>", "model": {...},
         "checks": {"cut": "<babbage cut string>", "page_size": 20}}
stdout: one JSON object (see BabbageReport in test/support/babbage.ts).

Every check is caught on its own and reported as {"error": "<type>: <text>"},
so one failing query does not hide the others. Driven by
test/support/babbage.ts; needs the venv from test/babbage/requirements.txt.
"""
import datetime
import decimal
import json
import sys

import babbage
import sqlalchemy
from babbage.cube import Cube


def attempt(check):
    """Run one check; an exception becomes the check's result."""
    try:
        return check()
    except Exception as e:  # noqa: BLE001 - the caller wants every failure
        # jsonschema's str() dumps the whole schema; its .message is the point.
        text = getattr(e, 'message', None) or str(e)
        path = list(getattr(e, 'absolute_path', []) or [])
        if path:
            text = '%s (at %s)' % (text, '/'.join(str(p) for p in path))
        return {'error': '%s: %s' % (type(e).__name__, text)}


def to_json(value):
    """Values psycopg2 hands back that json cannot write on its own."""
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    raise TypeError('not JSON serialisable: %r' % type(value))


def main():
    request = json.load(sys.stdin)
    model = request['model']
    checks = request.get('checks') or {}
    page_size = checks.get('page_size', 20)

    # The way os-api's cube manager (babbage.manager.CubeManager.get_cube)
    # builds a cube: one engine from the URL, Cube(engine, name, model).
    engine = sqlalchemy.create_engine(request['database_url'])
    cube = Cube(engine, request['name'], model)

    def valid():
        babbage.validate_model(model)
        return True

    def aggregate(**kwargs):
        result = cube.aggregate(**kwargs)
        return {'summary': result['summary'], 'total_cell_count': result['total_cell_count']}

    def members(dimension):
        result = cube.members(dimension, page_size=page_size)
        return {'total_member_count': result['total_member_count'], 'data': result['data']}

    def drilldown(dimension):
        result = cube.aggregate(drilldowns=dimension, page_size=page_size)
        return {'total_cell_count': result['total_cell_count'], 'cells': result['cells']}

    def facts():
        result = cube.facts(page_size=5)
        first = result['data'][0] if result['data'] else {}
        return {'total_fact_count': result['total_fact_count'], 'first_keys': sorted(first.keys())}

    valid_result = attempt(valid)
    report = {
        'babbage_version': babbage.__version__,
        # True, or the validation error's text (not a dict), as documented.
        'valid': valid_result if valid_result is True else valid_result['error'],
        # No arguments: what os-api's OpenSpending-compatible API calls, and
        # what needs a primary key (it counts the '_count' aggregate over it).
        'aggregate_default': attempt(aggregate),
        'measures': {
            name: attempt(lambda name=name: aggregate(aggregates='%s.sum' % name))
            for name in model.get('measures', {})
        },
        'dimensions': {
            name: {
                'members': attempt(lambda name=name: members(name)),
                'drilldown': attempt(lambda name=name: drilldown(name)),
            }
            for name in model.get('dimensions', {})
        },
        'facts': attempt(facts),
    }
    if checks.get('cut'):
        report['cut'] = attempt(lambda: aggregate(cuts=checks['cut']))
    if checks.get('drilldown'):
        report['drilldown'] = attempt(lambda: drilldown(checks['drilldown']))

    engine.dispose()
    json.dump(report, sys.stdout, default=to_json)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
