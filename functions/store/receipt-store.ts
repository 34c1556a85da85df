// Receipt codes of web cases (table-design.ts: CASE#<ref> / RECEIPT): only the salted hash and how it was
// derived; functions/public/receipt.ts makes and checks the codes.
import { DeleteCommand, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { keys } from "./keys.ts";
import { repository, type Table } from "./table.ts";

export interface StoredReceipt {
  /** Base64. */
  salt: string;
  /** Base64. */
  hash: string;
  /** e.g. "scrypt:32768:8:1". */
  kdf: string;
  createdAt: string;
}

export interface ReceiptStore {
  /** Stores a case's receipt, replacing an earlier one. */
  put(reference: string, receipt: StoredReceipt): Promise<void>;
  get(reference: string): Promise<Partial<StoredReceipt> | null>;
  delete(reference: string): Promise<void>;
}

class DynamoReceiptStore implements ReceiptStore {
  constructor(private readonly table: Table) {}

  async put(reference: string, receipt: StoredReceipt): Promise<void> {
    await this.table.doc.send(
      new PutCommand({ TableName: this.table.tableName, Item: { ...keys.receipt(reference), ...receipt } }),
    );
  }

  async get(reference: string): Promise<Partial<StoredReceipt> | null> {
    const out = await this.table.doc.send(
      new GetCommand({ TableName: this.table.tableName, Key: keys.receipt(reference), ConsistentRead: true }),
    );
    return (out.Item as Partial<StoredReceipt> | undefined) ?? null;
  }

  async delete(reference: string): Promise<void> {
    await this.table.doc.send(
      new DeleteCommand({ TableName: this.table.tableName, Key: keys.receipt(reference) }),
    );
  }
}

/** The receipt repository of the runtime's table. */
export const receiptStore: (table: Table) => ReceiptStore = repository(
  (table) => new DynamoReceiptStore(table),
);
