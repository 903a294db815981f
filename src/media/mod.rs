//! Parsers for the streams mcast meets that are not its own: RTP headers,
//! MPEG-TS packets, SAP announcements and the SDP they carry. Pure and
//! zero-copy over `&[u8]` (SDP, which arrives every few seconds, owns its
//! strings); the per-stream judgement lives in `crate::analysis::media`.

pub mod rtp;
pub mod sap;
pub mod sdp;
pub mod ts;
