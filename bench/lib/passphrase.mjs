// Unique strong passphrases for the reset flows: four random words and two digits, e.g.
// "walrus-pebble-saffron-kettle-47". Far from the common-password blocklist, scored 4 by zxcvbn,
// and free of the context words the policy refuses (bench, user, example, demo, company).
import { randomInt } from 'node:crypto';

const WORDS = `
acorn anchor anvil apricot arbor atlas aurora avocado badger bamboo banjo barley basalt beacon beetle bellows
birch biscuit bison blossom bobcat bonfire boulder bramble brass breeze brisket bronze buckle buffalo cabbage cactus
caldera camel canopy canyon caramel cardamom carpet cashew castle cedar cello chalk chestnut chimney cinder cinnamon
citrus clover cobalt cobble comet compass copper coral cormorant cotton coyote crater crayon cricket crocus cymbal
daffodil dagger dahlia delta denim dolphin dragon driftwood dune eagle easel ember emerald falcon fennel fern ferret
fiddle fjord flannel flint fossil foxglove gable galaxy garnet gazelle geyser ginger glacier goblet gondola gorilla
granite gravel gusset hammock harbor harp hazel hedgehog heron hickory hornet husky iceberg igloo indigo iris ivory
jackal jasmine jigsaw juniper kayak kelp kettle kiwi koala lagoon lantern larch lava lemur lentil lichen lilac
linen lobster locket lotus lynx magnet mallet mango maple marble marigold marmot meadow melon meteor mica minnow
mitten mongoose moose mortar mosaic mulberry mustang nectar nettle nickel nutmeg oasis obsidian ocelot okapi olive
onyx orchid osprey otter oyster paddle pagoda papaya parsnip pebble pelican pepper pewter pheasant pigeon pinecone
pistachio plankton plume pollen poplar porcupine pretzel prism puffin pumice quail quarry quartz quill quince radish
raven reef rhubarb ribbon riverbank robin saffron salmon sandal sapphire satchel scarab sequoia shamrock sherbet
shovel silo skiff sorrel sparrow spindle spruce squash starling stencil sturgeon sundial swallow sycamore tadpole
tamarind tangerine tapir teapot thimble thistle thunder toucan trellis trout tulip tundra turnip tusk umbrella urchin
valley velvet vessel violin vulture wagon walnut walrus wasabi whistle willow wombat yarrow yeti zebra zephyr zinnia
`
  .trim()
  .split(/\s+/);

export function passphrase() {
  const words = Array.from({ length: 4 }, () => WORDS[randomInt(WORDS.length)]);
  return `${words.join('-')}-${String(randomInt(100)).padStart(2, '0')}`;
}
