// The Sparkplug B payload codec in one import: encode and decode.
export { encodePayload } from './encode';
export { decodePayload, fromWire, SparkplugDecodeError } from './decode';
