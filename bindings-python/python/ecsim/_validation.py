"""The error a typed client raises for parameters that do not fit the action's request shape, as
boto3 raises ``botocore.exceptions.ParamValidationError`` before sending a request."""
from __future__ import annotations

from ._native import EcsimError

# The core's shape rules that botocore checks on the client side (unknown member, wrong type,
# missing required member, out of range); an enum value is the service's to refuse (API003).
CLIENT_SIDE_RULES = frozenset({"API001", "API002", "API004", "API005"})


class ParamValidationError(EcsimError):
    """Parameters that do not fit the action's request shape, each named by its path. The
    instance is also of the service's own validation error class (``InvalidParameterException``
    for ECS, ``ValidationException`` for Application Auto Scaling, ...), with its ``code`` and
    ``message``, so code written against either keeps working."""

    _service_error: type[EcsimError] = EcsimError

    def __reduce__(self) -> tuple[object, ...]:
        # The class is made per service error, so it pickles as the way to make it again.
        return (_restore, (self._service_error, self.args, self.__dict__))


_BOTH: dict[str, type[EcsimError]] = {}


def _both(service_error: type[EcsimError]) -> type[EcsimError]:
    """The class that is both `service_error` and ParamValidationError (one per service error)."""
    name = service_error.__name__
    if name not in _BOTH:
        _BOTH[name] = type(name, (service_error, ParamValidationError),
                           {"__module__": "ecsim", "_service_error": service_error})
    return _BOTH[name]


def _restore(service_error: type[EcsimError], args: tuple[object, ...], state: dict[str, object]) -> EcsimError:
    error = _both(service_error)(*args)
    error.__dict__.update(state)
    return error


def as_param_validation_error(error: EcsimError) -> EcsimError:
    """`error` as a ParamValidationError when the core refused the parameters' shape."""
    findings = [d for d in getattr(error, "diagnostics", []) if d.code in CLIENT_SIDE_RULES]
    if not findings:
        return error
    report = "Parameter validation failed:\n" + "\n".join(f"{d.message} ({d.path})" for d in findings)
    converted = _both(type(error))(report)
    converted.__dict__.update(error.__dict__)
    return converted
