// What the web pages need from the official Web PubSub client; scripts/build-web-client.sh bundles it for browsers.
export { WebPubSubClient, WebPubSubJsonReliableProtocol } from "@azure/web-pubsub-client";
