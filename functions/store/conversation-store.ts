// Phone conversations (issue 17; table-design.ts: CONVERSATION#, OPTOUT#), by a keyed hash of the number that
// functions/channels/conversations.ts computes: the table never holds a number outside a case's content.
import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { keys } from "./keys.ts";
import { isConditionFailed, repository, type Table } from "./table.ts";

export interface StoredConversation {
  reference: string;
  /** The last message the number sent on this channel (ISO). */
  lastInboundAt: string;
  /** T-11: an appeal asked for by text and not confirmed yet: the message that asked (its raw copy's key). */
  pendingAppeal?: PendingAppeal;
}

export interface PendingAppeal {
  reference: string;
  /** The raw copy's key of the text that asked: its words are in the case's content, never here. */
  rawMessageKey: string;
  at: string;
}

export interface ConversationStore {
  get(channel: string, phoneHash: string): Promise<StoredConversation | null>;
  /**
   * The number wrote at `at` about `reference`; never moves lastInboundAt backwards for the same case (a
   * redelivered older message). `expiresAt`: epoch seconds (T-12).
   */
  recordInbound(
    channel: string,
    phoneHash: string,
    reference: string,
    at: string,
    expiresAt: number,
  ): Promise<void>;
  /** Records the appeal the number asked for (the latest ask replaces an earlier one). */
  setPendingAppeal(channel: string, phoneHash: string, pending: PendingAppeal): Promise<void>;
  /** Forgets the pending appeal of `reference` (filed, or no longer possible). */
  clearPendingAppeal(channel: string, phoneHash: string, reference: string): Promise<void>;
  isOptedOut(phoneHash: string): Promise<boolean>;
  setOptOut(phoneHash: string, optedOut: boolean, at: string): Promise<void>;
}

class DynamoConversationStore implements ConversationStore {
  constructor(private readonly table: Table) {}

  async get(channel: string, phoneHash: string): Promise<StoredConversation | null> {
    const out = await this.table.doc.send(
      new GetCommand({
        TableName: this.table.tableName,
        Key: keys.conversation(channel, phoneHash),
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return null;
    const pending = out.Item.pendingAppeal as PendingAppeal | undefined;
    return {
      reference: String(out.Item.reference),
      lastInboundAt: String(out.Item.lastInboundAt),
      ...(pending ? { pendingAppeal: pending } : {}),
    };
  }

  async setPendingAppeal(channel: string, phoneHash: string, pending: PendingAppeal): Promise<void> {
    await this.table.doc.send(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: keys.conversation(channel, phoneHash),
        UpdateExpression: "SET pendingAppeal = :p",
        // Only on the conversation the ask came through (recordInbound wrote it first).
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: { ":p": pending },
      }),
    );
  }

  async clearPendingAppeal(channel: string, phoneHash: string, reference: string): Promise<void> {
    try {
      await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: keys.conversation(channel, phoneHash),
          UpdateExpression: "REMOVE pendingAppeal",
          ConditionExpression: "pendingAppeal.#ref = :r",
          ExpressionAttributeNames: { "#ref": "reference" },
          ExpressionAttributeValues: { ":r": reference },
        }),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error; // none, or another case's: nothing to forget
    }
  }

  async recordInbound(
    channel: string,
    phoneHash: string,
    reference: string,
    at: string,
    expiresAt: number,
  ): Promise<void> {
    try {
      await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: keys.conversation(channel, phoneHash),
          UpdateExpression: "SET #ref = :r, lastInboundAt = :at, #ch = :c, expiresAt = :e",
          ConditionExpression: "attribute_not_exists(lastInboundAt) OR lastInboundAt <= :at OR #ref <> :r",
          ExpressionAttributeNames: { "#ref": "reference", "#ch": "channel" },
          ExpressionAttributeValues: { ":r": reference, ":at": at, ":c": channel, ":e": expiresAt },
        }),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
  }

  async isOptedOut(phoneHash: string): Promise<boolean> {
    const out = await this.table.doc.send(
      new GetCommand({ TableName: this.table.tableName, Key: keys.optOut(phoneHash), ConsistentRead: true }),
    );
    return out.Item !== undefined && out.Item.optedOut === true;
  }

  async setOptOut(phoneHash: string, optedOut: boolean, at: string): Promise<void> {
    await this.table.doc.send(
      new PutCommand({ TableName: this.table.tableName, Item: { ...keys.optOut(phoneHash), optedOut, at } }),
    );
  }
}

/** The conversation repository of the runtime's table. */
export const conversationStore: (table: Table) => ConversationStore = repository(
  (table) => new DynamoConversationStore(table),
);
