// A generated resource: its name and the message packed as google.protobuf.Any (serialized once, here).

import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import type { GeneratedResource } from "../../xds/xds-types";

export function packed<D extends DescMessage>(schema: D, name: string, msg: MessageShape<D>): GeneratedResource {
  return { name, resource: anyPack(schema, msg) };
}
