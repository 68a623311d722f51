// Sparkplug B 3.0 payloads as plain objects: what `encodePayload` takes and
// `decodePayload` returns. The wire format is the protobuf schema of the
// specification (chapter "Payloads", sparkplug_b.proto, package
// org.eclipse.tahu.protobuf); the field numbers live in encode.ts/decode.ts.
//
// Values are JS values, and the datatype says how they travel:
//
//   Int8, Int16, Int32          number  int_value (uint32): the two's complement
//                                       bit pattern, sign-extended to 32 bits
//   UInt8, UInt16, UInt32       number  int_value
//   Int64                       number (safe integers) or bigint: long_value
//                                       (uint64), two's complement
//   UInt64, DateTime            number (safe integers) or bigint: long_value
//   Float                       number  float_value (rounded to float32)
//   Double                      number  double_value
//   Boolean                     boolean boolean_value
//   String, Text, UUID          string  string_value
//   Bytes, File, the arrays     Uint8Array bytes_value (arrays stay packed
//                                       little-endian bytes, as on the wire)
//
// DataSet and Template values are not supported: the encoder refuses them and
// the decoder skips them (the metric decodes with value null, and its
// datatype says what it was).

/**
 * The DataType enum of the specification, as a plain object plus a union
 * type of the same name rather than a TS `enum`: the numbers are what the
 * wire carries. The decoder passes a datatype through as received, so from a
 * newer peer it may lie outside this list.
 */
export const DataType = {
  Unknown: 0,
  // Basic types
  Int8: 1,
  Int16: 2,
  Int32: 3,
  Int64: 4,
  UInt8: 5,
  UInt16: 6,
  UInt32: 7,
  UInt64: 8,
  Float: 9,
  Double: 10,
  Boolean: 11,
  String: 12,
  DateTime: 13,
  Text: 14,
  // Additional metric types
  UUID: 15,
  DataSet: 16,
  Bytes: 17,
  File: 18,
  Template: 19,
  // Additional property value types
  PropertySet: 20,
  PropertySetList: 21,
  // Array types: packed little-endian bytes in bytes_value
  Int8Array: 22,
  Int16Array: 23,
  Int32Array: 24,
  Int64Array: 25,
  UInt8Array: 26,
  UInt16Array: 27,
  UInt32Array: 28,
  UInt64Array: 29,
  FloatArray: 30,
  DoubleArray: 31,
  BooleanArray: 32,
  StringArray: 33,
  DateTimeArray: 34,
} as const;

export type DataType = (typeof DataType)[keyof typeof DataType];

/** The codes of the "Quality" property (a property of type Int32). */
export const QualityCode = { Bad: 0, Good: 192, Stale: 500 } as const;

/** A metric's value. `null` is a null value (is_null on the wire). */
export type MetricValue = number | bigint | boolean | string | Uint8Array | null;

/** A property's value: a scalar, or (types PropertySet / PropertySetList) nested sets. */
export type PropertyValueValue = number | bigint | boolean | string | null | PropertySet | PropertySet[];

export interface PropertyValue {
  /**
   * Written whenever present; the specification wants it in births (the
   * "Quality" property is type Int32). Without it the encoder infers the
   * value field from the JS value, as for metrics.
   */
  type?: DataType;
  isNull?: boolean;
  value: PropertyValueValue;
}

/** Properties as the wire has them: two arrays of the same length. */
export interface PropertySet {
  keys: string[];
  values: PropertyValue[];
}

export interface Metric {
  /** Births carry name and alias; data and commands the alias only. */
  name?: string;
  /** A non-negative safe integer (uint64 on the wire). */
  alias?: number;
  /** Milliseconds since the epoch, UTC. */
  timestamp?: number;
  /**
   * Chooses the value field and, unless encoded with `omitDatatypes`, is
   * written. Decoded metrics have it only when the wire did (data messages by
   * alias usually do not: apply the birth's datatype with `fromWire`).
   */
  datatype?: DataType;
  /** Flags are written only when true (false is the protobuf default). */
  isHistorical?: boolean;
  isTransient?: boolean;
  isNull?: boolean;
  properties?: PropertySet;
  value: MetricValue;
}

export interface Payload {
  /** Milliseconds since the epoch, UTC: when the message was published. */
  timestamp?: number;
  metrics: Metric[];
  /** 0..255; every message but NDEATH carries one. */
  seq?: number;
  uuid?: string;
  body?: Uint8Array;
}
