"""The public shapes of revpact's values: one pydantic model per value a face sends out.

The API declares them as ``response_model`` (so the OpenAPI schema describes exactly what is
sent), the pages' JSON twins and every ``--json`` dump them with ``model_dump(mode="json")``.
A model is built from the service's value with ``Model.of(value)``; one module per noun.
"""
