"""etender data-exchange standard v1: national data sets, JSON Schemas and the record validator.

Trading platforms send records of the national public-resource trading data
sets to the hub (the public service platform) wrapped in a record envelope::

    {"dataset": "503", "key": "...", "op": "upsert" | "delete", "record": {...},
     "source": {"platform": "<credit code>", "occurred_at": "<RFC 3339>"}}

* :mod:`.datasets` — the 15 data sets (field lists, rules, code tables,
  disclosure classes) and the reserved numbers 300-306 and 400-404;
* :mod:`.schema` — JSON Schema draft 2020-12 of each data set and of the envelope;
* :mod:`.validate` — :func:`validate_record`, :func:`validate_envelope`,
  :func:`public_view`, :func:`public_key`, :func:`fields`, :func:`record_key`;
* :mod:`.docs` — docs/exchange-standard.md (:func:`exchange_markdown`);
* :mod:`.examples` — one valid, synthetic record per data set.

* :mod:`.client` — the sending side of the batch protocol (build, sign, POST a batch, read the
  hub's answer), used by the trading outbox, the supervision complaint outbox and upward forwarding;
  not imported here.

No Django; HTTP only in :mod:`.client`.
"""

from etender.kernel.exchange.datasets import (
    BASES,
    CODE_TABLES,
    DATASETS,
    DISCLOSURES,
    EMBARGO_EVENTS,
    RESERVED,
    Dataset,
    Disclosure,
    Field,
)
from etender.kernel.exchange.docs import exchange_markdown
from etender.kernel.exchange.schema import SCHEMA_BASE, all_schemas, envelope_schema, schema
from etender.kernel.exchange.validate import (
    ERROR_CODES,
    ExchangeError,
    Lookup,
    dataset,
    effective_disclosure,
    fields,
    public_key,
    public_view,
    record_key,
    validate_envelope,
    validate_record,
)

__all__ = [
    "BASES",
    "CODE_TABLES",
    "DATASETS",
    "DISCLOSURES",
    "EMBARGO_EVENTS",
    "ERROR_CODES",
    "RESERVED",
    "SCHEMA_BASE",
    "Dataset",
    "Disclosure",
    "ExchangeError",
    "Field",
    "Lookup",
    "all_schemas",
    "dataset",
    "effective_disclosure",
    "envelope_schema",
    "exchange_markdown",
    "fields",
    "public_key",
    "public_view",
    "record_key",
    "schema",
    "validate_envelope",
    "validate_record",
]
