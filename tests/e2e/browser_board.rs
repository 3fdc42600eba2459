//! The big screen at full size (1920×1080, 3840×2160) and the board on a phone, with a 50-team event, in Chromium.
