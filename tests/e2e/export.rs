//! Export and import (filled in below).
