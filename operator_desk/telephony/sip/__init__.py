"""SIP softphone call source: PJSIP (pjsua2) in a supervised worker process. Qt-free.

Import `SipCallSource` and `SipConfig` from here; pjsua2 is imported only inside the worker.
"""

from .callsource import SipCallSource
from .config import SipConfig

__all__ = ["SipCallSource", "SipConfig"]
